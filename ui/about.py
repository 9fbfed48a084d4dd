"""Page: About (ui/content/about.md, with the rules table generated from the catalogue)."""

from ui.about_page import main

main()
