SELECT count(*)::int AS count FROM posts WHERE NOT posts.is_deleted AND posts.is_published;
