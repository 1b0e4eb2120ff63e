"""Tests of the product as a whole: pages and answers that cross every app (error pages, the
Content-Security-Policy in a browser, core's pages on the real permission hooks). They live above every
app, so the apps' own tests keep to the import direction that `make lint` enforces."""
