"""Contrast and phone width, measured in a real browser (Debian's chromium via Playwright).

On the portal's sections and the back office's main lists and forms, every visible text's colour
is compared with the colour behind it (walking up to the first opaque background), with WCAG 2's
relative luminance: 4.5:1 for normal text, 3:1 for large text (24px, or 18.66px bold). At 390 px
wide no page scrolls sideways (a table may, inside itself). Screenshots at 1366 and 390 px go to
the test's own tmp output folder.
"""

import pytest

from tests.e2e.chromium import demo_client_login, log_in, staff_log_in

pytestmark = pytest.mark.browser

PORTAL_PAGES = ["/fulfilmentportal/", "/fulfilmentportal/products", "/fulfilmentportal/orders",
                "/fulfilmentportal/shipments", "/fulfilmentportal/backorders", "/fulfilmentportal/purchase-orders",
                "/fulfilmentportal/returns", "/fulfilmentportal/webshops", "/fulfilmentportal/addresses",
                "/fulfilmentportal/invoices", "/fulfilmentportal/stock-history", "/fulfilmentportal/settings"]
ADMIN_PAGES = ["/admin/", "/admin/order/", "/admin/product/", "/admin/stock/", "/admin/stockmutation/",
               "/admin/client/", "/admin/client/new/", "/admin/picklist/", "/admin/purchaseorder/",
               "/admin/return/", "/admin/webshop/", "/admin/invoice/", "/admin/product/new/"]

# Runs in the page: the WCAG 2.x contrast of every visible text node's element against the
# background it is drawn on. Returns the failures.
CONTRAST_SCRIPT = """
() => {
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const parts = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const luminance = (rgb) => {
    const c = rgb.slice(0, 3).map(v => {
      v = v / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (element) => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage && style.backgroundImage !== 'none') return null;  // an image: not measurable
      const colour = parse(style.backgroundColor);
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] >= 1) break;
    }
    let result = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
    return result;
  };
  const opacity = (element) => {
    let value = 1;
    for (let node = element; node; node = node.parentElement) value *= Number(getComputedStyle(node).opacity);
    return value;
  };
  const failures = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const element = walker.currentNode.parentElement;
    if (!text || !element || seen.has(element)) continue;
    seen.add(element);
    if (element.closest('svg, script, style, [hidden], [aria-hidden="true"], .skip-link, option')) continue;
    if (element.closest(':disabled, .disabled')) continue;  // WCAG exempts inactive controls
    const rect = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (rect.width === 0 || rect.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
    if (element.closest('.collapse:not(.show), .dropdown-menu:not(.show)')) continue;
    const behind = background(element);
    if (behind === null) continue;
    const fore = parse(style.color);
    const alpha = fore[3] * opacity(element);
    const colour = over([fore[0], fore[1], fore[2], alpha], behind);
    const [l1, l2] = [luminance(colour), luminance(behind)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    const needed = large ? 3 : 4.5;
    if (ratio + 0.005 < needed) {
      const where = `<${element.tagName.toLowerCase()} class="${element.className}">`;
      const behindText = `rgb(${behind.slice(0, 3).map(Math.round)})`;
      const what = `"${text.slice(0, 40)}" (${style.color} on ${behindText}, ${where})`;
      failures.push(`${ratio.toFixed(2)}:1 < ${needed} ${what}`);
    }
  }
  return failures;
}
"""

# Runs in the page: elements that stick out past the right edge of the window, other than
# inside something that scrolls sideways itself (a table on a phone).
OVERFLOW_SCRIPT = """
() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (node) => {
    for (; node && node !== document.body; node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowX;
      if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') return true;
    }
    return false;
  };
  const out = [];
  for (const element of document.body.querySelectorAll('*')) {
    const rect = element.getBoundingClientRect();
    if (rect.width === 0 || rect.right <= width + 1) continue;
    if (scrolls(element.parentElement) || element.closest('.collapse:not(.show), .dropdown-menu:not(.show)')) continue;
    out.push(`<${element.tagName.toLowerCase()} class="${element.className}"> right edge ${Math.round(rect.right)}px`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, out: out.slice(0, 5)};
}
"""


def name_of(path):
    return path.strip("/").replace("/", "-") or "home"


def check_pages(page, base_url, paths, output, prefix):
    problems = {}
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            response = page.goto(base_url + path)
            assert response.status == 200, f"{path}: {response.status}"
            page.screenshot(path=str(output / f"{prefix}-{name_of(path)}-{width}.png"), full_page=True)
            failures = page.evaluate(CONTRAST_SCRIPT)
            if failures:
                problems[f"{path} at {width}px contrast"] = failures[:8]
            if width == 390:
                overflow = page.evaluate(OVERFLOW_SCRIPT)
                if overflow["scrollWidth"] > overflow["width"] or overflow["out"]:
                    problems[f"{path} at 390px is wider than the screen"] = overflow
    return problems


def test_portal_pages_pass_contrast_and_fit_a_phone(demo_server, browser, tmp_path):
    base_url, logins = demo_server
    page = browser.new_page()
    log_in(page, base_url, *demo_client_login(logins))
    problems = check_pages(page, base_url, PORTAL_PAGES, tmp_path, "portal")
    page.close()
    assert problems == {}
    assert len(list(tmp_path.glob("portal-*.png"))) == 2 * len(PORTAL_PAGES)


def test_back_office_pages_pass_contrast_and_fit_a_phone(demo_server, browser, tmp_path):
    base_url, logins = demo_server
    page = browser.new_page()
    staff_log_in(page, base_url, logins)
    problems = check_pages(page, base_url, ADMIN_PAGES, tmp_path, "admin")
    page.close()
    assert problems == {}
    assert len(list(tmp_path.glob("admin-*.png"))) == 2 * len(ADMIN_PAGES)


def test_the_contrast_check_catches_stock_bootstrap_colours(demo_server, browser):
    """The measurement itself: Bootstrap 4's own link blue (3.98:1 on white) is reported."""
    base_url, logins = demo_server
    page = browser.new_page()
    log_in(page, base_url, *demo_client_login(logins))
    page.evaluate("() => { const p = document.createElement('p'); p.textContent = 'Bootstrap blue';"
                  " p.style.color = '#007bff'; p.style.backgroundColor = '#ffffff';"
                  " document.querySelector('main').appendChild(p); }")
    failures = page.evaluate(CONTRAST_SCRIPT)
    page.close()
    assert any(failure.startswith("3.98:1 < 4.5") for failure in failures), failures
