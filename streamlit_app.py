"""Entry point: the pages of the app; the clinic and the crisis line at the bottom of every page.

The crisis panel of the self-screening page must be the first thing on that page, so
nothing here writes to the main area before the page runs.
"""

import streamlit as st

from ui.common import crisis_footer
from ui.lang import tr
from ui.settings import require_settings, show_clinic_header

st.set_page_config(page_title=tr("app.page_title"))
settings = require_settings()  # a broken settings file stops here with a plain message

pages = [st.Page("ui/self_screening.py", title=tr("app.nav_self"), default=True)]
if settings.staff_review:  # a patient-facing deployment may hide it (settings.example.toml)
    pages.append(st.Page("ui/staff.py", title="Staff review"))
pages.append(st.Page("ui/about.py", title=tr("app.nav_about")))
page = st.navigation(pages, position="top")
# The layout is chosen once per run, here: a page setting its own layout races with this.
st.set_page_config(layout="wide" if page.url_path == "staff" else "centered")
try:
    page.run()
finally:
    crisis_footer()
    show_clinic_header(settings)
