import type { Scenario } from '../scenario.js';
import { correlationBenign, correlationPositive, meterpreterSession } from './meterpreter.js';
import { TECHNIQUE_SCENARIOS } from './techniques.js';
import { benignBaseline } from './baseline.js';
import { managedMac } from './managed.js';

/** Every committed trace, in the order the CLI writes them. */
export const SCENARIOS: readonly Scenario[] = [
  meterpreterSession,
  correlationPositive,
  correlationBenign,
  ...TECHNIQUE_SCENARIOS,
  benignBaseline,
  managedMac,
];
