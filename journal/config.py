"""Defaults for an embedded single machine.

Every name here can be overridden in ``instance/config.py`` or by an environment variable
with the ``JOURNAL_`` prefix (``JOURNAL_DATABASE_URL``, ``JOURNAL_MAIL_SERVER`` …). Values
of environment variables are parsed as JSON when they can be (``JOURNAL_MAIL_PORT=2525``).
The README's configuration table lists every setting.
"""

# "development", "production" or "testing". Production refuses to start without SECRET_KEY.
ENV = "production"
SECRET_KEY = None

# Public address of the site. Links in e-mails are built from it, never from the Host header.
BASE_URL = "http://127.0.0.1:5000"
# Host names accepted in requests; None = the host of BASE_URL plus localhost.
TRUSTED_HOSTS = None

# Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted
# (rate limits count per client address, so behind a proxy this must be set).
PROXIES = 0

# Logging (journal/logs.py), to standard error: the journal's own records from LOG_LEVEL,
# other libraries' from WARNING. LOG_FORMAT "json" (one JSON object a line) or "text";
# None = json in production, text in development and tests.
LOG_LEVEL = "INFO"
LOG_FORMAT = None

# None = SQLite file ``journal.sqlite3`` in the instance folder.
DATABASE_URL = None
# None = in-process jobs (a worker thread; inline when JOBS_INLINE). A URL = RQ workers.
REDIS_URL = None
JOBS_INLINE = False

# Files: None = ``files/`` in the instance folder.
STORAGE_DIR = None
UPLOAD_MAX_BYTES = 50 * 1024 * 1024
# Zip containers (docx, odt) are opened only within these limits.
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
ZIP_MAX_RATIO = 100

# Which languages a submission's title, abstract and keywords must be given in.
REQUIRED_METADATA_LANGUAGES = ["vi", "en"]

# Mail. MAIL_SERVER None: messages are written to ``mail/`` in the instance folder.
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_SENDER = "Tap san KH&CN DBSCL <no-reply@mekongjournal.vn>"
MAIL_TIMEOUT = 10
MAIL_MAX_ATTEMPTS = 8

# Token lifetimes (seconds).
CONFIRM_TOKEN_MAX_AGE = 3 * 24 * 3600
RESET_TOKEN_MAX_AGE = 2 * 3600

# Editorial review (journal/review/). Days are counted from the invitation or the decision.
# A decision after review needs this many completed reviews in the round (the
# editor-in-chief may decide with fewer, giving a reason).
REVIEW_MIN_COMPLETED = 2
# Days a reviewer has to answer an invitation, and to send the review (default due date).
REVIEW_RESPONSE_DAYS = 7
REVIEW_DUE_DAYS = 21
# A reminder this many days before the due date, another once it is overdue
# (``journal reminders``, hourly from cron; each reminder is sent once).
REVIEW_REMINDER_DAYS_BEFORE = 3
# Days the handling editor has to send a new submission to review (or desk-reject it),
# and the authors to send a revised manuscript: the due dates in the editorial queues.
REVIEW_TRIAGE_DAYS = 14
REVIEW_REVISION_DAYS = 60
# Longest review comments and decision letters (characters), largest review attachment.
REVIEW_COMMENT_MAX_CHARS = 20000
REVIEW_LETTER_MAX_CHARS = 50000
REVIEW_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

# Rate limits (Flask-Limiter syntax) and their storage: None = REDIS_URL when it is set (every
# worker process counts in the same place), else memory (right for one process only).
RATELIMIT_STORAGE_URI = None
RATELIMIT_LOGIN = "10 per minute"
RATELIMIT_RESET = "5 per minute"
RATELIMIT_REGISTER = "10 per hour"

# Journal identity. These, the ISSNs, the DOI pattern, the contact and the texts of the public
# pages below are journal settings (journal/settings.py): administrators edit them on
# /admin/settings and the database keeps them; the values here are the defaults. A value set
# in instance/config.py or the environment is fixed for the deployment and wins.
JOURNAL_TITLE_VI = "Tập san Khoa học và Công nghệ Đồng bằng sông Cửu Long"
JOURNAL_TITLE_EN = "Mekong Delta Journal of Science and Technology"
JOURNAL_PUBLISHER = "Sở Khoa học và Công nghệ thành phố Cần Thơ"
CONTACT_EMAIL = None
CONTACT_ADDRESS = None
DESCRIPTION_VI = (
    "Tập san công bố kết quả các nhiệm vụ khoa học và công nghệ của An Giang, Cà Mau, Cần Thơ "
    "và Kiên Giang cùng các viện, trường trong vùng."
)
DESCRIPTION_EN = (
    "The journal publishes the results of the funded science and technology tasks of An Giang, "
    "Ca Mau, Can Tho and Kien Giang and of the region's institutes and universities."
)
AIMS_SCOPE_VI = None
AIMS_SCOPE_EN = None
ABOUT_VI = None
ABOUT_EN = None
GUIDELINES_VI = None
GUIDELINES_EN = None
POLICIES_VI = None
POLICIES_EN = None
# The questions of the review form, one a line: key | Vietnamese | English (each answered
# on a scale from poor to excellent, next to the recommendation).
REVIEW_QUESTIONS = (
    "originality | Tính mới và tính nguyên gốc | Originality\n"
    "method | Phương pháp nghiên cứu | Method\n"
    "significance | Ý nghĩa khoa học và thực tiễn | Significance\n"
    "presentation | Cách trình bày | Presentation\n"
    "language | Ngôn ngữ | Language"
)

BABEL_DEFAULT_LOCALE = "vi"
# Times are stored in UTC and shown, dated and counted in this zone (an IANA name).
TIMEZONE = "Asia/Ho_Chi_Minh"
LANGUAGES = ["vi", "en"]

# Publishing. ISSNs as printed (NNNN-NNNC); either may be None.
ISSN_PRINT = None
ISSN_ONLINE = None
JOURNAL_ABBREV_TITLE = "Mekong Delta J. Sci. Technol."
# DOIs are assigned when an article is scheduled (or published online first):
# DOI_PREFIX + "/" + DOI_SUFFIX_TEMPLATE, where the template may use {year} (the year of
# assignment) and {submission} (the submission's number, unique). Never reused or changed.
DOI_PREFIX = "10.99999"
DOI_SUFFIX_TEMPLATE = "mdj.{year}.{submission:05d}"
# Crossref deposits. CROSSREF_LOGIN unset: nothing is sent (export still works).
CROSSREF_DEPOSIT_URL = "https://test.crossref.org/servlet/deposit"
CROSSREF_LOGIN = None
CROSSREF_PASSWORD = None
CROSSREF_DEPOSITOR_NAME = "Tap san KH&CN DBSCL"
CROSSREF_DEPOSITOR_EMAIL = "doi@mekongjournal.vn"
CROSSREF_REGISTRANT = "Sở Khoa học và Công nghệ thành phố Cần Thơ"
CROSSREF_TIMEOUT = 30
# OAI-PMH. OAI_TOKEN_SECRET None: resumption tokens are signed with SECRET_KEY.
OAI_REPOSITORY_NAME = "Mekong Delta Journal of Science and Technology"
OAI_ADMIN_EMAIL = "oai@mekongjournal.vn"
# The oai:<identifier>:article/<id> namespace; None = the host of BASE_URL (a domain name).
OAI_REPOSITORY_IDENTIFIER = None
OAI_PAGE_SIZE = 100
OAI_TOKEN_SECRET = None
OAI_TOKEN_LIFETIME = 24 * 3600
# Sites allowed to frame the provincial widget (/embed/province/<code>): CSP source
# expressions, e.g. ["https://sokhcn.cantho.gov.vn", "https://*.angiang.gov.vn"].
EMBED_FRAME_ANCESTORS = []
# Entries per RSS/Atom feed.
FEED_SIZE = 30

# Official schemas (journal/schemas/). SCHEMAS_DIR None = ``schemas/`` in the instance
# folder, laid out as jats/JATS-journalpublishing1-3-mathml3.xsd, crossref/crossref5.4.0.xsd,
# oai/oai-pmh-with-oai_dc.xsd and doaj/doajArticles.xsd. When a schema is there, what the
# journal makes is validated against it; when it is not, the journal's own structural checks
# run and the pages and ``journal doctor`` say so. ``journal schemas fetch`` installs them.
SCHEMAS_DIR = None
# Where ``journal schemas fetch`` downloads each set from: its entry point(s), official
# addresses. Every xs:include/xs:import is followed from there.
SCHEMAS_SOURCES = {
    "jats": "https://jats.nlm.nih.gov/publishing/1.3/xsd/JATS-journalpublishing1-3-mathml3.xsd",
    "crossref": "https://gitlab.com/crossref/schema/-/raw/master/schemas/crossref5.4.0.xsd",
    "oai": [
        "https://www.openarchives.org/OAI/2.0/OAI-PMH.xsd",
        "https://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        "https://www.openarchives.org/OAI/2.0/oai-identifier.xsd",
    ],
    "doaj": "https://doaj.org/static/doaj/doajArticles.xsd",
}
# Seconds to wait for each file of ``journal schemas fetch``.
SCHEMAS_FETCH_TIMEOUT = 60

# Typesetting (journal/publish/production.py).
# A typesetting run still queued or running after this many seconds is shown as stopped
# (its worker was killed or restarted); the editor can start it again.
TYPESET_STALE_AFTER = 15 * 60
# The journal's id in the JATS journal-meta, and the publisher's place.
JOURNAL_ID = "mdjst"
JOURNAL_PUBLISHER_LOC = "Cần Thơ, Việt Nam"

# Search (journal/search/). SEARCH_ENGINE: "tantivy" (compiled, the default) or "whoosh"
# (pure Python). SEARCH_DIR None = ``search/`` in the instance folder (one folder per engine
# and index, one sub-folder per build). A query stops after SEARCH_TIME_LIMIT seconds and
# answers with what it found and a notice. Results per page on /search (at most 50). Each
# node keeps its own index, caught up from the database's change log on start and at least
# every SEARCH_CATCH_UP_SECONDS; changes are kept SEARCH_CHANGE_RETENTION_DAYS for nodes
# that were away (a node away longer rebuilds its index).
SEARCH_ENGINE = "tantivy"
SEARCH_DIR = None
SEARCH_TIME_LIMIT = 0.5
SEARCH_PAGE_SIZE = 10
SEARCH_CATCH_UP_SECONDS = 2.0
SEARCH_CHANGE_RETENTION_DAYS = 7

# Usage statistics (journal/usage/), counted by the COUNTER rules. USAGE_ENABLED False: the
# pages record nothing. Events wait in a buffer of each process (or on REDIS_URL's Redis, for
# the job workers) and are written USAGE_BATCH_SIZE at a time, or once the oldest has waited
# USAGE_FLUSH_SECONDS; at most USAGE_BUFFER_MAX wait when the database cannot take them.
# ``journal usage aggregate`` (daily) counts them; raw events are kept USAGE_KEEP_DAYS days.
USAGE_ENABLED = True
USAGE_BATCH_SIZE = 100
USAGE_FLUSH_SECONDS = 30
USAGE_BUFFER_MAX = 10000
USAGE_KEEP_DAYS = 90
# The COUNTER robots list: None = ``counter_robots.json`` in the instance folder when
# ``journal usage robots-refresh`` has put one there, else the list shipped with the journal.
USAGE_ROBOTS_FILE = None
USAGE_ROBOTS_URL = (
    "https://raw.githubusercontent.com/atmire/COUNTER-Robots/master/COUNTER_Robots_list.json"
)
# A MaxMind DB file (GeoLite2 Country or alike) for the readers' country; None = no country.
# Needs the ``maxminddb`` package (``pip install maxminddb``), which the journal does not.
USAGE_GEOIP_DATABASE = None
