"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useId, useRef, useState } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { type ApiFailure, apiFetch, newIdempotencyKey } from "@/lib/client/api";
import { type Agent, RISK_LABELS, RISKS, type Risk, type Run } from "@/lib/client/runs/types";
import { RiskBadge } from "./run-status-badge";

type BudgetFields = { steps: string; wallSeconds: string; tokens: string; costDollars: string };

const budgetFieldsOf = (agent: Agent): BudgetFields => ({
  steps: String(agent.default_budget.max_steps),
  wallSeconds: String(Math.round(agent.default_budget.max_wall_time_ms / 1000)),
  tokens: String(agent.default_budget.max_llm_tokens),
  costDollars: String(agent.default_budget.max_cost / 1_000_000),
});

/**
 * "Start a run": the agent (with its tools and their risk levels), the goal, which risk levels wait for a person,
 * the budget and dry run. One Idempotency-Key per intended start: kept while the same request is retried after a
 * failure, replaced as soon as anything in the form changes.
 */
export function StartRunForm({ ws, agents, onCancel }: { ws: string; agents: Agent[]; onCancel?: () => void }) {
  const router = useRouter();
  const first = agents[0] as Agent;
  const [agentName, setAgentName] = useState(first.name);
  const agent = agents.find((candidate) => candidate.name === agentName) ?? first;
  const [goal, setGoal] = useState("");
  const [approval, setApproval] = useState<Risk[]>(first.default_constraints.require_approval);
  const [budget, setBudget] = useState<BudgetFields>(budgetFieldsOf(first));
  const [dryRun, setDryRun] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [goalError, setGoalError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const intent = useRef<string | null>(null);
  const ids = useId();

  const changed = () => {
    intent.current = null;
  };

  const pickAgent = (name: string) => {
    const next = agents.find((candidate) => candidate.name === name);
    if (!next) return;
    changed();
    setAgentName(name);
    setApproval(next.default_constraints.require_approval);
    setBudget(budgetFieldsOf(next));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!goal.trim()) {
      setGoalError("Say what the agent should achieve.");
      return;
    }
    setGoalError(null);
    intent.current ??= newIdempotencyKey();
    setSubmitting(true);
    setError(null);
    const toInt = (value: string) => Math.round(Number(value));
    const result = await apiFetch<{ run: Run }>(`/api/v1/workspaces/${ws}/runs`, {
      method: "POST",
      idempotencyKey: intent.current,
      body: {
        agent: agent.name,
        goal: goal.trim(),
        constraints: { require_approval: approval },
        budget: {
          max_steps: toInt(budget.steps),
          max_wall_time_ms: toInt(budget.wallSeconds) * 1000,
          max_llm_tokens: toInt(budget.tokens),
          max_cost: Math.round(Number(budget.costDollars) * 1_000_000),
        },
        dry_run: dryRun,
      },
    });
    if (result.ok) {
      intent.current = null;
      router.push(`/w/${ws}/runs/${result.data.run.id}`);
      return;
    }
    setSubmitting(false);
    setError(result);
  };

  const budgetInput = (key: keyof BudgetFields, label: string, hint: string, step = "1") => (
    <Input
      label={label}
      hint={hint}
      type="number"
      inputMode="decimal"
      min="0"
      step={step}
      required
      value={budget[key]}
      onChange={(event) => {
        changed();
        setBudget((current) => ({ ...current, [key]: event.target.value }));
      }}
    />
  );

  return (
    <form onSubmit={submit} className="space-y-6" aria-label="Start a run">
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Agent</legend>
        <div className="mt-2 grid gap-3 md:grid-cols-3">
          {agents.map((candidate) => (
            <label
              key={candidate.name}
              className="relative flex cursor-pointer flex-col gap-2 rounded-lg p-3 ring-1 ring-slate-200 has-checked:bg-indigo-50/50 has-checked:ring-2 has-checked:ring-indigo-600 has-focus-visible:outline-2 has-focus-visible:outline-indigo-600"
            >
              <span className="flex items-center gap-2">
                <input
                  type="radio"
                  name={`${ids}-agent`}
                  value={candidate.name}
                  checked={candidate.name === agent.name}
                  onChange={() => pickAgent(candidate.name)}
                  className="size-4 accent-indigo-600"
                />
                <span className="text-sm font-semibold text-slate-900 capitalize">{candidate.name}</span>
                <span className="ml-auto font-mono text-[11px] text-slate-400">{candidate.prompt_version}</span>
              </span>
              <span className="text-xs text-slate-600">{candidate.description}</span>
              <ul className="flex flex-wrap gap-1.5" aria-label={`Tools of ${candidate.name}`}>
                {candidate.tools.map((tool) => (
                  <li
                    key={tool.name}
                    className="flex items-center gap-1 text-xs text-slate-700"
                    title={tool.description}
                  >
                    <span className="font-mono">{tool.name}</span>
                    <RiskBadge risk={tool.risk} />
                  </li>
                ))}
              </ul>
            </label>
          ))}
        </div>
      </fieldset>

      <div>
        <label htmlFor={`${ids}-goal`} className="block text-sm font-medium text-slate-800">
          Goal
        </label>
        <textarea
          id={`${ids}-goal`}
          rows={3}
          value={goal}
          maxLength={4000}
          aria-invalid={goalError ? true : undefined}
          aria-describedby={goalError ? `${ids}-goal-error` : undefined}
          placeholder={
            agent.name === "operations"
              ? "Keep app-1's disk below 80%"
              : agent.name === "support"
                ? "Tell every active customer where their requests stand"
                : "Summarise how Holdfast handles side effects"
          }
          onChange={(event) => {
            changed();
            setGoal(event.target.value);
          }}
          className="mt-1 block w-full rounded-lg border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:ring-inset focus:outline-none"
        />
        {goalError ? (
          <p id={`${ids}-goal-error`} className="mt-1 text-xs font-medium text-red-600">
            {goalError}
          </p>
        ) : null}
      </div>

      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Ask me before tools of these risk levels</legend>
        <p className="text-xs text-slate-500">
          The run waits for an approval before each such call. Dry runs never ask.
        </p>
        <div className="mt-2 flex flex-wrap gap-x-6 gap-y-2">
          {RISKS.map((risk) => (
            <label key={risk} className="inline-flex items-center gap-2 text-sm text-slate-800">
              <input
                type="checkbox"
                className="size-4 accent-indigo-600"
                checked={approval.includes(risk)}
                onChange={(event) => {
                  changed();
                  setApproval((current) =>
                    event.target.checked ? [...current, risk] : current.filter((item) => item !== risk),
                  );
                }}
              />
              {RISK_LABELS[risk]} <RiskBadge risk={risk} />
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Budget</legend>
        <div className="mt-2 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {budgetInput("steps", "Max steps", "Model turns and tool calls")}
          {budgetInput("wallSeconds", "Max wall time (s)", "Then the run times out")}
          {budgetInput("tokens", "Max LLM tokens", "Input and output")}
          {budgetInput("costDollars", "Max cost ($)", "Model spend", "0.000001")}
        </div>
      </fieldset>

      <label className="flex items-start gap-3 rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200">
        <input
          type="checkbox"
          className="mt-0.5 size-4 accent-indigo-600"
          checked={dryRun}
          onChange={(event) => {
            changed();
            setDryRun(event.target.checked);
          }}
        />
        <span>
          <span className="block text-sm font-medium text-slate-900">Dry run</span>
          <span className="block text-xs text-slate-600">
            Read tools really run; every write or external action is only simulated and shown in the ledger as dry_run.
          </span>
        </span>
      </label>

      {error ? <ErrorAlert error={error} title="The run did not start" /> : null}

      <div className="flex flex-wrap justify-end gap-2">
        {onCancel ? (
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
        <Button type="submit" loading={submitting}>
          {dryRun ? "Start dry run" : "Start run"}
        </Button>
      </div>
    </form>
  );
}
