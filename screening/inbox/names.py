"""The names of the environment variables that give the staff process its private key.

The core never reads them: the doors do (``identities_from(os.environ)``). The private key
is never a setting, so a patient app, which reads the settings file, never sees it.
"""

IDENTITY_FILE_ENV_VAR = "SCREENING_INBOX_IDENTITY_FILE"
IDENTITY_ENV_VAR = "SCREENING_INBOX_IDENTITY"
