-- The stored document frequencies of the given stemmed words, and the number of documents (the row of the
-- word '') when with_docs.
SELECT term, df FROM story_term_df
WHERE term = ANY(%(terms)s::text[]) OR (%(with_docs)s AND term = '');
