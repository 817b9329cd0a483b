import { Brand } from "@/components/brand";
import { NotFoundCard } from "@/components/not-found-card";

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-6 px-4 py-10">
      <Brand />
      <NotFoundCard />
    </main>
  );
}
