"""Page: the patient self-screening questionnaire (see ui/wizard/)."""

from ui.wizard.page import main

main()
