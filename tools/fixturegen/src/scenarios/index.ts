import type { Scenario } from '../scenario.js';
import { correlationBenign, correlationPositive, meterpreterSession } from './meterpreter.js';

/** Every committed trace, in the order the CLI writes them. */
export const SCENARIOS: readonly Scenario[] = [meterpreterSession, correlationPositive, correlationBenign];
