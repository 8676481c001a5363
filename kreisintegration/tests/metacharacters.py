"""SQL and tsquery metacharacters for the injection tests (``test_query_injection*.py``)."""

METACHARACTERS = [
    "'", '"', "%", "_", "\\", ";--", "'); DROP TABLE events_event;--", "&", "|", "!", ":*",
    "a & !b | c:*", "(", ")", "<->", "\x00", "' OR '1'='1", "%%%", "__", "\\'", "\u202e", "𝔘𝔫𝔫𝔞",
]  # fmt: skip
