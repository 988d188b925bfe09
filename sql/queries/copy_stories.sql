COPY story_rows (id, kind, canonical_article_id, title, agency, first_published_at, last_published_at, member_count,
              source_count, sources, first_source, source_lags, reprint_count) FROM STDIN
