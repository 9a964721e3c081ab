"""Getting real texts in: the Diet minutes API and web pages / PDFs listed in a CSV recipe.

- :func:`fetch_kokkai` (:mod:`discourse.sources.kokkai`): speeches from the National Diet
  Library's minutes search API, one document per speech, pages cached and resumable;
- :func:`fetch_urls` (:mod:`discourse.sources.urls`): the pages and PDFs of a recipe CSV, with
  robots.txt, per-host rate limits, conditional requests and a per-URL status table;
- :func:`load_rules` / :func:`apply_rules` (:mod:`discourse.sources.rules`): study variables
  (``side`` ...) from a user-editable TOML rules file;
- :class:`PoliteClient` (:mod:`discourse.sources.http`): the shared sequential HTTP client.

Command line: ``discourse fetch kokkai ...`` and ``discourse fetch urls RECIPE.csv ...``.

Example
-------
>>> from discourse.sources import fetch_kokkai, fetch_urls
>>> diet = fetch_kokkai("難民 認定", from_date="2000-01-01", until_date="2005-12-31")  # doctest: +SKIP
>>> corpus, status = fetch_urls("corpora/real/recipe.csv", output="real.jsonl")  # doctest: +SKIP
"""
from __future__ import annotations

from .http import FetchError, PoliteClient
from .kokkai import DEFAULT_API_URL, KokkaiFetcher, KokkaiQuery, fetch_kokkai
from .rules import RuleCounts, Rules, apply_rules, load_rules
from .urls import RECIPE_COLUMNS, STATUSES, UrlFetch, check_against_recipe, fetch_urls, read_recipe

__all__ = ["FetchError", "PoliteClient", "DEFAULT_API_URL", "KokkaiFetcher", "KokkaiQuery", "fetch_kokkai",
           "RuleCounts", "Rules", "apply_rules", "load_rules", "RECIPE_COLUMNS", "STATUSES", "UrlFetch",
           "check_against_recipe", "fetch_urls", "read_recipe"]
