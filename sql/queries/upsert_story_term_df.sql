-- Add a clustered batch's document frequencies (execute_values of (term, documents)).
INSERT INTO story_term_df (term, df) VALUES %s
ON CONFLICT (term) DO UPDATE SET df = story_term_df.df + EXCLUDED.df;
