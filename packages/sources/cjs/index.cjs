'use strict';
module.exports = require('@nightjar/core/esm-only')('@nightjar/sources', () => require('../dist/index.js'));
