/** An agent's availability (PUT /me/status, `agent.status_changed`). */
export type AgentStatus = "online" | "away" | "offline";
export const AGENT_STATUSES: readonly AgentStatus[] = ["online", "away", "offline"];

export function isAgentStatus(value: unknown): value is AgentStatus {
  return value === "online" || value === "away" || value === "offline";
}
