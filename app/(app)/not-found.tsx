import { NotFoundCard } from "@/components/not-found-card";

// Inside the signed-in frame (a workspace the caller is not in, or one that does not exist — the same answer).
export default function NotFound() {
  return (
    <div className="py-10 sm:py-16">
      <NotFoundCard />
    </div>
  );
}
