-- Before a parse batch is staged again with COPY (stage_extracted_pages.sql): drop what an earlier parse of
-- the same raw pages staged. The batch's raw pages are locked (pending_raw_pages), so no other parse stages
-- them meanwhile; together the two statements are the UPSERT that COPY cannot do.
DELETE FROM extracted_pages WHERE raw_page_id = ANY(%(ids)s);
