import { LinkButton } from "./ui/button";

export function NotFoundCard() {
  return (
    <div className="mx-auto w-full max-w-md rounded-2xl bg-white px-5 py-6 text-center shadow-sm ring-1 ring-slate-200 sm:px-8 sm:py-8">
      <p className="text-sm font-semibold text-indigo-600">404</p>
      <h1 className="mt-1 text-xl font-semibold tracking-tight text-slate-900">Page not found</h1>
      <p className="mt-2 text-sm text-slate-500">
        This page does not exist, or it belongs to a workspace you are not a member of.
      </p>
      <LinkButton variant="primary" href="/" className="mt-6 w-full">
        Go to my workspaces
      </LinkButton>
    </div>
  );
}
