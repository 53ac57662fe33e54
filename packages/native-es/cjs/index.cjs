'use strict';
module.exports = require('@nightjar/core/esm-only')('@nightjar/native-es', () => require('../dist/index.js'));
