"""Settings of the exchange bridge, merged into the app's config by ``init_app``.

Each can be set in ``instance/config.py`` or as a ``JOURNAL_`` environment variable
(``JOURNAL_BRIDGE_EXCHANGE_URL`` …) like every other setting; the values here are only the
defaults. A target without an endpoint URL is off: nothing is queued for it.
"""

# The three external systems: endpoint URL (POST, JSON) and the shared secret that signs
# each delivery (HMAC-SHA256). A URL without a secret refuses to start.
BRIDGE_EXCHANGE_URL = None  # the regional technology exchange: technology offers
BRIDGE_EXCHANGE_SECRET = None
BRIDGE_STARTUPS_URL = None  # the startup portal: startup listings
BRIDGE_STARTUPS_SECRET = None
BRIDGE_EXPERTS_URL = None  # the S&T expert database: expert profiles
BRIDGE_EXPERTS_SECRET = None

# Seconds to wait for a receiver's answer.
BRIDGE_TIMEOUT = 10
# A delivery that failed this many times is dead-lettered (``journal bridge retry`` sends
# it again). Between tries: BASE, 2×BASE, 4×BASE … seconds, at most MAX.
BRIDGE_MAX_ATTEMPTS = 8
BRIDGE_RETRY_BASE_SECONDS = 60
BRIDGE_RETRY_MAX_SECONDS = 6 * 3600

# Technology requests from enterprises (POST /requests/new), per client address.
BRIDGE_RATELIMIT_REQUESTS = "5 per hour"
# Best matches kept per kind (offers, articles, experts) for a technology request.
BRIDGE_MATCHES_PER_KIND = 5
# Entries per listing page and per Atom feed.
BRIDGE_PAGE_SIZE = 20


def defaults() -> dict:
    return {name: value for name, value in globals().items() if name.startswith("BRIDGE_")}
