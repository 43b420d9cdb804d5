"""The static website: every policy's trace, every treaty, provision, body and source as pages, searchable offline.

``build.build_site`` reads the graph (``model``), makes the pages (``pages``) and the search index
(``search_index``), renders them with Jinja2 and swaps the finished folder in. Only ``cli`` imports this package.
"""
