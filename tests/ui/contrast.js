// WCAG 2 contrast of every text in view inside the element named by a selector, from the
// browser's computed colours: a text's colour (with its alpha) over its background, the
// backgrounds of its ancestors composited until one is opaque. axe-core's color-contrast
// rule decides on few texts in JupyterLab's layout (most are "inapplicable"), so the
// browser tests check contrast with this too. A background image (OmniPanel Glass's
// gradient) counts as the element's background-color, which that theme sets to the
// gradient's darkest tone.
(selector) => {
  const parse = value => {
    let m = /^rgba?\(([^)]+)\)$/.exec(value);
    if (m) {
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    }
    m = /^color\(srgb ([^)]+)\)$/.exec(value);
    if (m) {
      const p = m[1].split(/[\s/]+/).filter(Boolean).map(Number);
      return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
    }
    return null;
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const luminance = c => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = element => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] >= 1) break;
      }
    }
    let result = [255, 255, 255, 1];
    if (!layers.length || layers[layers.length - 1][3] < 1) {
      result = document.body.dataset.jpThemeLight === 'false' ? [0, 0, 0, 1] : result;
    }
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const visible = element => {
    const box = element.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) return false;
    if (box.bottom < 0 || box.top > innerHeight || box.right < 0 || box.left > innerWidth)
      return false;
    for (let node = element; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.visibility === 'hidden' || style.display === 'none') return false;
      if (Number(style.opacity) === 0) return false;
    }
    // Inside a scrolled area: only what the area shows.
    const scroller = element.closest('.jp-OmniPanel-messages, .jp-OmniPanel-panelBody');
    if (scroller) {
      const area = scroller.getBoundingClientRect();
      if (box.bottom <= area.top || box.top >= area.bottom) return false;
    }
    return true;
  };
  const failures = [];
  let checked = 0;
  for (const element of document.querySelector(selector).querySelectorAll('*')) {
    const own = [...element.childNodes].some(
      n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()
    );
    if (!own || !visible(element) || element.closest('[aria-hidden="true"], :disabled')) continue;
    const style = getComputedStyle(element);
    const fg = parse(style.color);
    if (!fg) continue;
    const bg = background(element);
    const text = over(fg, bg);
    const [l1, l2] = [luminance(text), luminance(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700;
    const required = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    checked += 1;
    if (ratio < required) {
      failures.push({
        text: element.textContent.trim().slice(0, 40),
        ratio: Math.round(ratio * 100) / 100,
        required,
        color: style.color,
        background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`
      });
    }
  }
  return { checked, failures };
}
