'use strict';
module.exports = require('./esm-only.cjs')('@nightjar/core', () => require('../dist/index.js'));
