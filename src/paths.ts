/** views/ and static/ sit at the package root, whether we run from src/ (tsx) or dist/src/ (installed). */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'views'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Riskgate: cannot find its views folder');
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
export const VIEWS_DIR = path.join(PACKAGE_ROOT, 'views');
export const STATIC_DIR = path.join(PACKAGE_ROOT, 'static');

const require = createRequire(import.meta.url);

/**
 * Browser builds (classic scripts, no eval) of the password strength estimator, @zxcvbn-ts (MIT),
 * served as `static/vendor/<name>` for the strength meter of the new-password forms (ASVS 2.1.8).
 */
export const VENDOR_SCRIPTS: Readonly<Record<string, string>> = {
  'zxcvbn-core.js': require.resolve('@zxcvbn-ts/core/dist/zxcvbn-ts.js'),
  'zxcvbn-common.js': require.resolve('@zxcvbn-ts/language-common/dist/zxcvbn-ts.js'),
};
