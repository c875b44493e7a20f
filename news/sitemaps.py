"""``/sitemap.xml``: every page a reader may see on the requested site, with lastmod."""

from wagtail.contrib.sitemaps import Sitemap

from news.visibility import reader_visible


class ReaderSitemap(Sitemap):
    """Wagtail's sitemap narrowed by ``reader_visible``.

    Wagtail's own ``items()`` keeps live, public pages; readers must also not be sent to
    pages past their expiry time, which the worker may not have unpublished yet.
    """

    def items(self):
        site = self.get_wagtail_site()
        return (
            reader_visible(site.root_page.get_descendants(inclusive=True))
            .order_by("path")
            .defer_streamfields()
            .specific()
        )


sitemaps = {"pages": ReaderSitemap}
