"""The journal's own public pages: about (aims and scope, history, the departments), the
editorial board by province, author guidelines with the manuscript template, policies,
contact, and the cooperation's news (announcements managed by the editors, with an Atom
feed)."""
