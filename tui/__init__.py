"""The Textual chat. Importing this package does not import Textual; `tui.app` does."""
