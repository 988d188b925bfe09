-- The corpus's document frequencies of stemmed body words ('' = the number of documents).
SELECT term, df FROM story_term_df;
