"""The patient self-screening wizard: state, widgets, steps, review and results."""
