"""The Streamlit pages (the doors onto the core in screening/)."""
