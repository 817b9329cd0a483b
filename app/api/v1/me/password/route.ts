// POST /api/v1/me/password — change the password; every other device session ends
import { withUser } from "@/lib/http/route";
import { changePassword, changePasswordSchema } from "@/lib/identity/users";

export const POST = withUser(
  async ({ transaction, actor, body, requestId }) => ({
    status: 200,
    body: await transaction((tx) =>
      changePassword(tx, { actor, currentPassword: body.current_password, newPassword: body.new_password, requestId }),
    ),
  }),
  { body: changePasswordSchema },
);
