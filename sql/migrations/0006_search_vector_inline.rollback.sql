-- Back to the default: vectors written from now on may move to TOAST again (stored ones stay where they are).
ALTER TABLE articles ALTER COLUMN search_vector SET STORAGE EXTENDED;
