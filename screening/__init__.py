"""The pure core of the ketamine/esketamine pre-screening questionnaire.

No Streamlit, no clock, no environment: answers in, result out.
"""
