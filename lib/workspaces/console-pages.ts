import type { Role } from "@/lib/client/types";
import { hasPermission, type Permission } from "./permissions";

/**
 * The workspace's pages as data: the navigation shows a page to the roles holding its permission, the page shows
 * its content to them and its refusal to everybody else (the API refuses them too), and the page role test walks
 * this table for every role. A page that is not in the navigation (`nav: false`) is reached from another one.
 */
export type ConsolePage = {
  key: string;
  /** Below `/w/{ws}`: "" is the overview. */
  path: string;
  /** The navigation label. */
  label: string;
  /** The page's heading (its h1, shown with the content and with the refusal); "" when it has none of its own. */
  title: string;
  permission: Permission;
  /** The empty state of the roles without the permission. */
  refusal: string;
  /** The navigation marks it current only on its own path (the overview), not below it. */
  exact?: boolean;
  nav?: boolean;
};

export const CONSOLE_PAGES = [
  {
    key: "overview",
    path: "",
    label: "Overview",
    title: "",
    permission: "workspace.read",
    refusal: "",
    exact: true,
  },
  {
    key: "chat",
    path: "/chat",
    label: "Chat",
    title: "",
    permission: "conversations.read",
    refusal: "Chat is for members and admins",
  },
  {
    key: "members",
    path: "/members",
    label: "Members",
    title: "Members",
    permission: "members.read",
    refusal: "",
  },
  {
    key: "runs",
    path: "/runs",
    label: "Runs",
    title: "Agent runs",
    permission: "runs.read",
    refusal: "Agent runs are for members and admins",
  },
  {
    key: "generations",
    path: "/generations",
    label: "Generations",
    title: "Generations",
    permission: "conversations.read",
    refusal: "Generations are for members and admins",
    nav: false,
  },
  {
    key: "world",
    path: "/world",
    label: "World",
    title: "World",
    permission: "runs.read",
    refusal: "The agents' world is for members and admins",
  },
  {
    key: "tokens",
    path: "/tokens",
    label: "API tokens",
    title: "API tokens",
    permission: "tokens.write",
    refusal: "Only admins manage API tokens",
  },
  {
    key: "prompts",
    path: "/prompts",
    label: "Prompts",
    title: "Prompts",
    permission: "prompts.read",
    refusal: "Your role cannot see prompts",
  },
  {
    key: "usage",
    path: "/usage",
    label: "Usage",
    title: "Usage and billing",
    permission: "usage.read",
    refusal: "Only billing owners and admins see usage",
  },
  {
    key: "requests",
    path: "/requests",
    label: "Requests",
    title: "Request lookup",
    permission: "requests.read",
    refusal: "Only admins look up requests",
  },
  {
    key: "audit",
    path: "/audit",
    label: "Audit",
    title: "Audit log",
    permission: "audit.read",
    refusal: "Only admins see the audit log",
  },
  {
    key: "settings",
    path: "/settings",
    label: "Settings",
    title: "Settings",
    permission: "workspace.write",
    refusal: "Only admins change the workspace's settings",
    // Linked from the workspace switcher: the bar is full.
    nav: false,
  },
] as const satisfies readonly ConsolePage[];

export type ConsolePageKey = (typeof CONSOLE_PAGES)[number]["key"];

export function consolePage(key: ConsolePageKey): ConsolePage {
  return CONSOLE_PAGES.find((page) => page.key === key) as ConsolePage;
}

/** May `roles` see the page's content (the API allows them its reads)? */
export function canSeePage(roles: readonly Role[], key: ConsolePageKey): boolean {
  return hasPermission(roles, consolePage(key).permission);
}

/** The navigation of a workspace for `roles`: the pages they may see, in table order. */
export function navigationFor(slug: string, roles: readonly Role[]) {
  return (CONSOLE_PAGES as readonly ConsolePage[])
    .filter((page) => page.nav !== false && hasPermission(roles, page.permission))
    .map((page) => ({ href: `/w/${slug}${page.path}`, label: page.label, exact: page.exact ?? false }));
}
