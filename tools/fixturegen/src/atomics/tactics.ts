import { techniques } from '@nightjar/ruletools';

const { TACTICS } = techniques;

/**
 * The ATT&CK tactic each development technique is listed under in the coverage table (its primary
 * tactic, in SigmaHQ's current names: Defense Evasion split into stealth and defense-impairment).
 */
const TACTIC_OF: Readonly<Record<string, string>> = {
  T1005: 'collection',
  T1074: 'collection',
  T1113: 'collection',
  T1115: 'collection',
  T1560: 'collection',
  T1007: 'discovery',
  T1016: 'discovery',
  T1018: 'discovery',
  T1033: 'discovery',
  T1046: 'discovery',
  T1049: 'discovery',
  T1069: 'discovery',
  T1082: 'discovery',
  T1083: 'discovery',
  T1087: 'discovery',
  T1124: 'discovery',
  T1135: 'discovery',
  T1201: 'discovery',
  T1217: 'discovery',
  T1518: 'discovery',
  T1580: 'discovery',
  T1614: 'discovery',
  T1652: 'discovery',
  T1021: 'lateral-movement',
  T1027: 'stealth',
  T1036: 'stealth',
  T1140: 'stealth',
  T1497: 'stealth',
  T1564: 'stealth',
  T1070: 'defense-impairment',
  T1222: 'defense-impairment',
  T1553: 'defense-impairment',
  T1685: 'defense-impairment',
  T1690: 'defense-impairment',
  T1037: 'persistence',
  T1053: 'persistence',
  T1078: 'persistence',
  T1098: 'persistence',
  T1136: 'persistence',
  T1543: 'persistence',
  T1546: 'persistence',
  T1547: 'persistence',
  T1574: 'persistence',
  T1548: 'privilege-escalation',
  T1040: 'credential-access',
  T1056: 'credential-access',
  T1110: 'credential-access',
  T1539: 'credential-access',
  T1552: 'credential-access',
  T1555: 'credential-access',
  T1059: 'execution',
  T1048: 'exfiltration',
  T1567: 'exfiltration',
  T1071: 'command-and-control',
  T1090: 'command-and-control',
  T1105: 'command-and-control',
  T1571: 'command-and-control',
  T1572: 'command-and-control',
  T1659: 'command-and-control',
  T1490: 'impact',
  T1529: 'impact',
};

/** The tactics the coverage table lists, in ATT&CK's matrix order (the linter's own tactic list). */
export const TACTIC_ORDER: readonly string[] = TACTICS.filter((t) => Object.values(TACTIC_OF).includes(t));

export function tacticOf(technique: string): string {
  const t = TACTIC_OF[technique.split('.')[0]!];
  if (!t) throw new Error(`no tactic listed for technique ${technique} (add it to tactics.ts)`);
  return t;
}
