-- Write one chunk of the clustering's assignments (story_updates) onto its articles: story, reprint group,
-- MinHash signature, shingles, word counts and the scorer version. A row whose body changed after it was
-- clustered (a load committed meanwhile) is skipped: it keeps no signature, so the next clustering takes it.
UPDATE articles a
SET story_id = u.story_id, reprint_id = u.reprint_id, minhash = u.minhash, story_shingles = u.shingles,
    story_terms = u.terms, story_model = u.model
FROM story_updates u
WHERE u.chunk = %(chunk)s AND a.id = u.id AND a.content_hash IS NOT DISTINCT FROM u.content_hash;
