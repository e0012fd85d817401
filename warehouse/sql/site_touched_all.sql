-- Every site with a current article.
CREATE TEMP TABLE touched AS SELECT DISTINCT site FROM labeled_articles;
