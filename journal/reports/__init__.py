"""The cooperation's yearly report: per province and per year, the editorial, review and
publishing figures, the funded tasks, and what listeners (the exchange bridge) add; as a
page with charts, a CSV file and a PDF for the four DOSTs' yearly meeting."""
