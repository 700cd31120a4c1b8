"""Publishing: typesetting, issues, article pages, feeds and exports."""
