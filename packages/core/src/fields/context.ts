import type { NightjarEvent } from '../model/event.js';
import type { EsProcess } from '../model/message.js';

/**
 * Lineage lookups that virtual fields (`parent.*`, `real_parent.*`, `responsible.*`, `ancestors.*`)
 * read through. The subject is the event's process as rules see it: for `exec`, the new image
 * (`event.exec.target`); for `fork`, the child (`event.fork.child`); otherwise the actor (`process`)
 * — see `processOfEvent`. Every returned object has the shape of an eslogger process object and
 * carries `entity_id`.
 */
export interface LineageResolver {
  parent(ev: NightjarEvent): EsProcess | undefined;
  realParent(ev: NightjarEvent): EsProcess | undefined;
  responsible(ev: NightjarEvent): EsProcess | undefined;
  /** Ancestors nearest first, ending at launchd or where the chain is unknown. */
  ancestors(ev: NightjarEvent): readonly EsProcess[];
  /**
   * Optional: the exec args the cache kept for a process it returned (SigmaHQ's ParentCommandLine).
   * Undefined when its exec was not seen. Resolvers without it make ParentCommandLine absent.
   */
  args?(p: EsProcess): readonly string[] | undefined;
}

/** What the engine passes to every predicate and getter: reused across events, never allocated per event. */
export interface EvalContext {
  readonly lineage: LineageResolver;
  /**
   * Optional: a number the caller changes for every event it evaluates (the Engine counts pushes).
   * While it and the event are unchanged, compiled field getters return the value they read last
   * instead of walking the event again, so many rules reading one field cost one walk. Callers that
   * leave it undefined get no memo (each call reads the event afresh).
   */
  readonly epoch?: number;
}
