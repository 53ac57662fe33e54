'use strict';
module.exports = require('@nightjar/core/esm-only')('@nightjar/cli', () => require('../dist/index.js'));
