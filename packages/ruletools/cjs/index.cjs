'use strict';
module.exports = require('@nightjar/core/esm-only')('@nightjar/ruletools', () => require('../dist/index.js'));
