// Preloaded (`node --require`) into the jsii runtime that core/bindings.py `load()` starts: makes the JavaScript
// side of the AWS provider bindings lazy, as bindings.py makes the Python side.
//
// The package's lib/index.js (@cdktf/provider-aws 20.1.0) is 2,135 lines `exports.<name> = require("./<dir>");`,
// so loading the assembly requires every submodule (~1.3 s of the ~2 s import floor). Here each such line becomes
// a getter on `exports` that requires its submodule when first read and then replaces itself with the plain value.
// The jsii kernel finds a type by walking the package's exports (`closure[<namespace>][<Type>]`), so the same
// submodules run, each when first used, and the synthesized JSON is byte-identical (tests/core/test_bindings.py).
// Any other file, or an index.js whose lines do not all have that shape, is compiled exactly as published.
"use strict";

const fs = require("fs");
const Module = require("module");
const path = require("path");

const PACKAGE = "@cdktf/provider-aws";
const LINE = /^exports\.([A-Za-z_$][\w$]*) = require\(("\.\/[\w.-]+")\);$/;
const published = Module._extensions[".js"];

function packageName(indexFile) {
  try {
    return JSON.parse(fs.readFileSync(path.join(path.dirname(indexFile), "..", "package.json"), "utf8")).name;
  } catch (error) {
    return undefined;
  }
}

function lazySource(source) {
  let count = 0;
  const lines = source.split("\n").map((line) => {
    const match = LINE.exec(line);
    if (!match) return line;
    count += 1;
    const [, name, target] = match;
    return (
      `Object.defineProperty(exports, "${name}", { configurable: true, enumerable: true, get() { ` +
      `const value = require(${target}); Object.defineProperty(exports, "${name}", ` +
      `{ configurable: true, enumerable: true, writable: true, value }); return value; } });`
    );
  });
  const requires = (source.match(/\brequire\(/g) || []).length;
  return count > 0 && count === requires ? lines.join("\n") : undefined;
}

Module._extensions[".js"] = function load(module, filename) {
  if (path.basename(filename) === "index.js" && path.basename(path.dirname(filename)) === "lib") {
    if (packageName(filename) === PACKAGE) {
      const lazy = lazySource(fs.readFileSync(filename, "utf8"));
      if (lazy !== undefined) {
        module._compile(lazy, filename);
        return;
      }
    }
  }
  published(module, filename);
};

module.exports = { lazySource, PACKAGE };
