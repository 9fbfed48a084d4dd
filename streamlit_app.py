"""Entry point: the pages of the app, and the crisis line at the bottom of every page."""

import streamlit as st

from ui.common import crisis_footer

st.set_page_config(page_title="Ketamine pre-screening", layout="centered")

page = st.navigation(
    [
        st.Page(
            "ui/self_screening.py",
            title="Self-screening",
            icon=":material/checklist:",
            default=True,
        ),
        st.Page("ui/staff.py", title="Staff review", icon=":material/table_view:"),
        st.Page("ui/about.py", title="About", icon=":material/info:"),
    ],
    position="top",
)
try:
    page.run()
finally:
    crisis_footer()
