SELECT source_key, published_at, title, array_to_string(authors, ', ') AS authors, canonical_url,
       left(body, 160) AS body_start
FROM articles ORDER BY published_at DESC NULLS LAST, id DESC LIMIT %(limit)s;
