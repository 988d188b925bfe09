-- Back to the state 0018 left: its search_articles callable by PUBLIC.
GRANT EXECUTE ON FUNCTION search_articles(text, integer, text, date, date, bigint, text, text) TO PUBLIC;
