# escape=`

FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS base
RUN powershell -Command `
    New-Item -ItemType Directory C:\app ; `
    Write-Host done
COPY --from=mcr.microsoft.com/powershell C:\ps\ C:\ps\
FROM `
  mcr.microsoft.com/windows/nanoserver
COPY --from=base C:\app C:\app
USER ContainerUser
