'use strict';
module.exports = require('@nightjar/core/esm-only')('@nightjar/rules', () => require('../dist/index.js'));
