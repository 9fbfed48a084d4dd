"""Entry point: the pages of the app."""

import streamlit as st

st.set_page_config(page_title="Ketamine pre-screening", layout="centered")
st.title("Ketamine/esketamine pre-screening")
st.write("Informational only. Not a diagnosis.")
