"""Static files in production: WhiteNoise's compressed, content-hashed files, with the relative
imports of the portal's ES modules (`*.mjs`) pointed at the hashed names too.

A page loads a module by its hashed URL (`{% static %}`); the modules it imports are requested by
the path written in its `import` statements. Without rewriting, those would be the unhashed
names, which a browser caches under a stale name and an offline service worker would not find
(coverage/field_views.py caches every module of the field form by its `{% static %}` URL). Django's
own `support_js_module_import_aggregation` would rewrite every `*.js` file, vendored libraries
included; this applies to `*.mjs` only, which only the portal's own code uses.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage

#: Relative imports in an ES module: `import … from "./x.mjs"`, `export … from "./x.mjs"`,
#: `import "./x.mjs"` and `import("./x.mjs")`.
MODULE_IMPORT_PATTERNS = (
    (
        r"""(?P<matched>(?P<head>\b(?:import|export)\s[^;'"]*?\bfrom\s*)"""
        r"""["'](?P<url>\.{1,2}/[^"']+)["'])""",
        '%(head)s"%(url)s"',
    ),
    (
        r"""(?P<matched>(?P<head>\bimport\s*\(?\s*)["'](?P<url>\.{1,2}/[^"']+)["'])""",
        '%(head)s"%(url)s"',
    ),
)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = (*CompressedManifestStaticFilesStorage.patterns, ("*.mjs", MODULE_IMPORT_PATTERNS))
