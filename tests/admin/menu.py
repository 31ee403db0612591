"""The back office's menu as a staff member sees it, for tests that walk every list."""

import re


def menu_urls(staff_client):
    """The URL of every entry in the admin's menu (dropdowns opened), as a staff member sees it."""
    page = staff_client.get("/admin/").get_data(as_text=True)
    menu = page.split('class="nav navbar-nav mr-auto"', 1)[1].split("</ul>\n</div>", 1)[0]
    urls = list(dict.fromkeys(re.findall(r'class="(?:dropdown-item|nav-link)[^"]*" href="(/admin/[^"#]*)"', menu)))
    assert len(urls) >= 20, urls
    return urls
