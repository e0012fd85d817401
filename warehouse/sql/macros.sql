-- What every query over article bodies means by a paragraph, its key and a word: one
-- definition each, created with the catalog (and with every connection a load works in).

-- The paragraphs of an article body: the labeler joins its kept lines with one blank line
-- (transforms/labeler/rules.py, RuleReading.document).
CREATE OR REPLACE MACRO body_paragraphs(body) AS string_split(body, chr(10) || chr(10));

-- A stable 64-bit key of a paragraph's (or a title's) lower-cased text: md5, not DuckDB's
-- hash(), which may change between versions.
CREATE OR REPLACE MACRO paragraph_key(text) AS md5_number_upper(lower(text));

-- A line's text as a body holds it: its words separated by single spaces.
CREATE OR REPLACE MACRO body_spacing(text) AS trim(regexp_replace(text, '\s+', ' ', 'g'));

-- The words of a body or paragraph: its runs of non-whitespace, as transforms.keys.word_count
-- (Python's str.split) counts them (0 for '', 1 for ' a '), for text whose whitespace is
-- ASCII (RE2's \s), as cleaning leaves it.
CREATE OR REPLACE MACRO word_count(text) AS len(regexp_extract_all(text, '\S+'));
